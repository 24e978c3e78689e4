"""Real prose in Chinese, Japanese and Thai, read from Debian packages for benchmarks.

Debian ships translated documentation: the Debian Reference in Simplified Chinese and Japanese
(debian-reference-zh-cn, debian-reference-ja, plain-text editions) and the Emacs tutorial in a
score of languages (emacs-common: TUTORIAL.cn, .zh, .ja, .th ...). ``apt-get download`` fetches a
package's .deb into a cache folder, without installing it, and the files wanted are read out of
its data archive with ``dpkg-deb --fsys-tarfile``; nothing is shipped with the project.
"""

from __future__ import annotations

import gzip
import io
import re
import subprocess
import tarfile
from pathlib import Path

from .bbc_news import cache_folder

_TUTORIALS = "./usr/share/emacs/28.2/etc/tutorials/"
_REFERENCE = "./usr/share/debian-reference/"
# Each script's prose: (package, member of its data archive); a member ending in .gz is unpacked.
SOURCES = {
    "zh": [("debian-reference-zh-cn", _REFERENCE + "debian-reference.zh-cn.txt.gz"), ("emacs-common", _TUTORIALS + "TUTORIAL.cn"), ("emacs-common", _TUTORIALS + "TUTORIAL.zh")],
    "ja": [("debian-reference-ja", _REFERENCE + "debian-reference.ja.txt.gz"), ("emacs-common", _TUTORIALS + "TUTORIAL.ja")],
    "th": [("emacs-common", _TUTORIALS + "TUTORIAL.th")],
}


_CODING = re.compile(rb"coding: ([A-Za-z0-9-]+)")


class ProseUnavailable(RuntimeError):
    """A package could not be downloaded or read (no apt, no package lists, no network)."""


def package_path(package: str, folder: Path) -> Path:
    """The package's .deb in ``folder``, downloaded first if none is there."""
    found = sorted(folder.glob(f"{package}_*.deb"))
    if found:
        return found[-1]
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["apt-get", "download", "-qq", package], cwd=folder, capture_output=True, text=True)
    except FileNotFoundError:
        raise ProseUnavailable(f"cannot download {package}: apt-get is not installed") from None
    found = sorted(folder.glob(f"{package}_*.deb"))
    if done.returncode != 0 or not found:
        reason = (done.stderr.strip().splitlines() or ["apt-get failed"])[-1]
        raise ProseUnavailable(f"cannot download {package} (apt-get update may be needed): {reason}")
    return found[-1]


def member_text(package: str, member: str, folder: Path | None = None) -> str:
    """One file of a package, as text; kept in the cache beside the .deb after the first read."""
    folder = (folder or cache_folder()) / "debian"
    cached = folder / package / Path(member).name.removesuffix(".gz")
    if not cached.exists():
        deb = package_path(package, folder)
        try:
            archive = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True).stdout
        except (FileNotFoundError, subprocess.CalledProcessError) as error:
            raise ProseUnavailable(f"cannot read {deb.name}: {error}") from None
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            try:
                data = tar.extractfile(member).read()
            except (KeyError, AttributeError):
                raise ProseUnavailable(f"{deb.name} has no {member}") from None
        if member.endswith(".gz"):
            data = gzip.decompress(data)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
    data = cached.read_bytes()
    # Emacs tutorials name their encoding (TUTORIAL.ja is ISO-2022-JP) in a "coding:" cookie.
    cookie = _CODING.search(data[:200] + data[-400:])
    return data.decode(cookie.group(1).decode() if cookie else "utf-8", errors="replace")


def texts(script: str, folder: Path | None = None) -> list[str]:
    """Every text of a script's sources ("zh", "ja" or "th"), in a fixed order."""
    return [member_text(package, member, folder) for package, member in SOURCES[script]]

