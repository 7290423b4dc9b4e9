"""Where the course lives on GitHub: the one place a fork changes.

The Colab badges and install cells of the chapters are written from these values
(`scripts/sync_chapter_headers.py`), and the post renderer links to them.
"""
REPOSITORY = "genai-course/genai-course"  # GitHub owner/name
BRANCH = "main"


def colab_url(notebook_name: str, repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """The "Open in Colab" address of a chapter notebook."""
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/chapters/{notebook_name}"


def clone_url(repository: str = REPOSITORY) -> str:
    """The address `git clone` takes."""
    return f"https://github.com/{repository}"
