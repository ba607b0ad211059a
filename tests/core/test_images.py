"""``known_attachments`` for marked resources whose mark lacks the image map (an interrupted apply): the
fallback matching fills only unambiguous sources and never overrides or re-assigns what the mark says."""

from __future__ import annotations

from wcsync.core.images import known_attachments, recovers
from wcsync.core.records import Mark

UP = "https://shop.example/wp-content/uploads/2026/11/"


def _img(att: int, fname: str, name: str | None = None) -> dict[str, object]:
    return {"id": att, "src": UP + fname, "alt": "", "name": name or fname}


def test_a_mark_without_images_is_completed_from_file_names_and_attachment_names() -> None:
    live = [_img(5, "a.jpg"), _img(6, "b-1.jpg"), _img(7, "photo.jpg", name="Front")]
    desired = [{"src": "https://cdn.example/a.jpg"}, {"src": "https://cdn.example/b.jpg"},
               {"src": "https://cdn.example/c.jpg", "name": "Front"}]
    assert known_attachments(live, Mark(), desired) == {
        "https://cdn.example/a.jpg": 5, "https://cdn.example/b.jpg": 6, "https://cdn.example/c.jpg": 7,
    }
    # no desired sources: the mark alone, as before
    assert known_attachments(live, Mark()) == {}
    assert known_attachments(live, None, desired) == {}


def test_the_mark_wins_and_its_attachments_are_never_guessed_for_another_source() -> None:
    live = [_img(5, "a.jpg"), _img(6, "a-1.jpg")]
    desired = [{"src": "https://cdn.example/x/a.jpg"}, {"src": "https://cdn.example/new.jpg"}]
    mark = Mark(images={"https://cdn.example/x/a.jpg": 6})
    # 6 is the mark's; 5 could only be a.jpg, but no missing source has that file name
    assert known_attachments(live, mark, desired) == {"https://cdn.example/x/a.jpg": 6}
    # a source the mark lists whose attachment is gone is not guessed again (the image was replaced)
    gone = Mark(images={"https://cdn.example/x/a.jpg": 99})
    assert known_attachments(live, gone, desired) == {}


def test_ambiguous_matches_are_left_to_upload() -> None:
    # one attachment that could be either of two missing sources (a.jpg de-duplicated, or a-1.jpg itself)
    live = [_img(5, "a-1.jpg")]
    desired = [{"src": "https://cdn.example/a.jpg"}, {"src": "https://cdn.example/a-1.jpg"}]
    assert known_attachments(live, Mark(), desired) == {}
    # two attachments that could be one source
    assert known_attachments([_img(5, "a.jpg"), _img(6, "a-2.jpg")], Mark(),
                             [{"src": "https://cdn.example/a.jpg"}]) == {}
    # two desired sources with the same file name, even with one attachment each
    desired = [{"src": "https://cdn.example/x/a.jpg"}, {"src": "https://cdn.example/y/a.jpg"}]
    assert known_attachments([_img(5, "a.jpg"), _img(6, "a-1.jpg")], Mark(), desired) == {}
    # the same source twice
    desired = [{"src": "https://cdn.example/a.jpg"}, {"src": "https://cdn.example/a.jpg"}]
    assert known_attachments([_img(5, "a.jpg"), _img(6, "a-1.jpg")], Mark(), desired) == {}


def test_the_stores_own_url_is_that_attachment() -> None:
    live = [_img(5, "a.jpg")]
    assert known_attachments(live, Mark(), [{"src": UP + "a.jpg"}]) == {UP + "a.jpg": 5}


def test_recovers_says_whether_the_next_plan_finds_the_uploads_without_the_image_map() -> None:
    up = "https://shop/wp-content/uploads/"
    live = [{"id": 7, "src": up + "old.jpg", "name": "old.jpg"}, {"id": 8, "src": up + "new-1.jpg", "name": "new-1.jpg"}]
    desired = [{"src": "https://cdn/old.jpg"}, {"src": "https://cdn/new.jpg"}]
    mark = Mark(meta_keys=(), images={"https://cdn/old.jpg": 7})  # re-used by id; new.jpg just uploaded
    assert recovers(live, mark, desired, {"https://cdn/new.jpg": 8}) is True
    assert recovers(live, mark, desired, {"https://cdn/new.jpg": 9}) is False  # it would find 8, not 9
    # two desired sources with one file name: never guessed
    twice = [{"src": "https://cdn/a/new.jpg"}, {"src": "https://cdn/b/new.jpg"}]
    live2 = [{"id": 8, "src": up + "new.jpg", "name": "new.jpg"}, {"id": 9, "src": up + "new-1.jpg", "name": "new-1.jpg"}]
    assert recovers(live2, Mark(meta_keys=()), twice, {"https://cdn/a/new.jpg": 8, "https://cdn/b/new.jpg": 9}) is False
