"""Running chapters and publishing them: tools for course authors, not imported by the chapters."""
