"""make check-pr: links are never a contributor's file, whatever they point to."""

import os

import pytest
from test_gate import TALK, _check_pr, _git, _submission_branch
from workshop.scope import Change, verdicts


@pytest.mark.parametrize("mode", ["120000", "160000"])
def test_a_link_is_refused_even_in_the_contributors_own_names(mode):
    own = [Change("A", "abstracts/zed.md"), Change("A", "abstracts/zed-poster.pdf", mode)]
    ok, bad = verdicts(own, "abstracts", "speakers")
    assert ok == ["abstracts/zed.md: added (yours)"]
    assert (
        len(bad) == 1
        and bad[0].startswith("abstracts/zed-poster.pdf: a ")
        and "add the file itself" in bad[0]
    )


def test_check_pr_refuses_symbolic_links_in_a_real_repository(tmp_path):
    root = _submission_branch(tmp_path)
    (root / "abstracts/delta.md").write_text(TALK.format(body="Text."), encoding="utf-8")
    os.symlink("/usr", root / "abstracts/delta-dir")
    os.symlink("/etc/hostname", root / "abstracts/delta-poster.pdf")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "links")
    result = _check_pr(root)
    assert result.returncode == 1
    assert "abstracts/delta.md: added (yours)" in result.stdout
    for name in ("delta-dir", "delta-poster.pdf"):
        assert f"abstracts/{name}: a symbolic link: add the file itself" in result.stderr, result.stderr
