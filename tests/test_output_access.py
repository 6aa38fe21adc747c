"""``-o`` over an existing file keeps who may read and write it: owner, group, permission bits and
access ACL pass to the file that replaces it (``fileio._keep_access``), as ``sed -i`` keeps them.

Run for real: the command line writes, and the file system is asked afterwards. Root (as in CI)
is needed to hand a file to another owner; Linux with xattrs, to set an ACL.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

PROFILE = str(ROOT / "examples" / "research-lab.yaml")
ACL = "system.posix_acl_access"
UNDEFINED = 0xFFFFFFFF  # the id of an ACL entry that names no user or group


def acl(*entries: tuple[int, int, int]) -> bytes:
    """A POSIX access ACL as Linux stores it: version 2, then (tag, permissions, id) entries."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)


# user::rw- user:1234:rw- group::r-- mask::rw- other::---
SHARED = acl((0x01, 6, UNDEFINED), (0x02, 6, 1234), (0x04, 4, UNDEFINED), (0x10, 6, UNDEFINED),
             (0x20, 0, UNDEFINED))  # fmt: skip


def write(target: Path) -> None:
    done = run_cli("recommend", "--profile", PROFILE, "--format", "json", "-o", str(target))
    assert (done.returncode, done.stderr) == (0, "")
    assert target.read_text().startswith("{")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="only root can chown")
def test_a_replaced_file_keeps_its_owner_group_and_bits(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n")
    os.chown(target, 1234, 2345)
    target.chmod(0o640)
    write(target)
    st = target.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (1234, 2345, 0o640)


@pytest.mark.skipif(not hasattr(os, "setxattr"), reason="no extended attributes here")
def test_a_replaced_file_keeps_its_access_acl(tmp_path: Path) -> None:
    target = tmp_path / "shared.json"
    target.write_text("old\n")
    try:
        os.setxattr(target, ACL, SHARED)
    except OSError as exc:
        pytest.skip(f"this file system takes no ACL: {exc.strerror}")
    write(target)
    assert (os.getxattr(target, ACL), target.stat().st_mode & 0o777) == (SHARED, 0o660)


@pytest.mark.skipif(not hasattr(os, "setxattr"), reason="no extended attributes here")
def test_a_new_file_gets_no_acl_and_the_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    write(target)
    umask = os.umask(0)
    os.umask(umask)
    assert (os.listxattr(target), target.stat().st_mode & 0o777) == ([], 0o666 & ~umask)
