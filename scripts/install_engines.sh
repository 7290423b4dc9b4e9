#!/usr/bin/env bash
# The blog engines and browser that tests/test_engines.py builds posts with: Debian's hugo, jekyll
# and chromium. Installs the missing ones when run as root on Debian/Ubuntu; otherwise, or when apt
# fails (offline), it names the packages and returns 0: the tests skip the missing engines loudly.
set -u
missing=()
for package in hugo jekyll chromium; do
  command -v "$package" >/dev/null || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "install_engines: installing ${missing[*]} (Debian packages) for tests/test_engines.py ..."
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
fi
echo "install_engines: !!! ${missing[*]} missing and not installable here: run" \
     "'sudo apt-get install -y --no-install-recommends ${missing[*]}'; until then" \
     "tests/test_engines.py skips them !!!" >&2
exit 0
