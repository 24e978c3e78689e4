import sys

import numpy as np
import pytest

from provenance import signatures as signatures_module
from provenance.fingerprint import PassageHasher, band_keys, fingerprint
from provenance.normalize import tokenize
from provenance.signatures import IN_MEMORY_BELOW, RecentlySigned, band_agreement, fingerprint_corpus, read_shingles, read_tokens, sign, signature_folder
from provenance.synthetic import planted_corpus


@pytest.mark.parametrize("on_disk", [True, False])
def test_bands_read_from_disk_or_memory_equal_the_signatures(tmp_path, on_disk):
    documents, _ = planted_corpus(40, words=120, seed=2)
    texts = [d.text for d in documents] + ["", "one two"]  # no passage, and a single short one
    hasher = PassageHasher()
    store = fingerprint_corpus(texts, hasher, 3, tmp_path if on_disk else None, chunk_size=7)
    fingerprints = [fingerprint(tokenize(t), hasher, 3) for t in texts]
    signatures = [fp.signatures for fp in fingerprints]
    everything = np.concatenate(signatures)
    assert len(store.chunks) == 6 and store.documents == len(texts)
    assert len(list(tmp_path.iterdir())) == (18 if on_disk else 0)  # band keys, shingles and tokens a chunk
    assert np.array_equal(store.owner(), np.repeat(np.arange(len(texts)), [len(s) for s in signatures]))
    for band in (0, 5, 31):
        assert np.array_equal(store.band(band), band_keys(everything)[:, band])
    for doc in (0, 8, 40, 41):
        assert np.array_equal(read_shingles(store.locate(doc)), fingerprints[doc].shingles)
        tokens = read_tokens(store.locate_tokens(doc))
        assert tokens.words == fingerprints[doc].tokens.words and len(tokens.words) == len(tokenize(texts[doc]).words)
        assert np.array_equal(tokens.starts, fingerprints[doc].tokens.starts) and np.array_equal(tokens.ends, fingerprints[doc].tokens.ends)
    rng = np.random.default_rng(0)
    first, second = rng.integers(0, len(everything), 500), rng.integers(0, len(everything), 500)
    agree = sum(band_agreement(store, band, first, second).astype(int) for band in range(store.bands))
    assert np.array_equal(agree, (everything[first] == everything[second]).sum(axis=1))


def test_only_a_large_corpus_gets_a_folder_for_its_signatures():
    with signature_folder(IN_MEMORY_BELOW - 1) as folder:
        assert folder is None
    with signature_folder(IN_MEMORY_BELOW) as folder:
        assert folder.is_dir()
    assert not folder.exists()


def test_recently_signed_texts_are_signed_once_until_the_budget_forgets_them(monkeypatch):
    # Texts of one length, so that each takes the same share of the budget.
    texts = [" ".join(f"w{n:02d}x{word:03d}" for word in range(100)) for n in range(20)]
    hasher = PassageHasher()
    signed_now: list[str] = []
    monkeypatch.setattr(signatures_module, "sign", lambda text, *rest: signed_now.append(text) or sign(text, *rest))
    each = sign(texts[0], hasher, 3).nbytes + sys.getsizeof(texts[0])
    recent = RecentlySigned(budget=10 * each)

    first = [recent.sign(text, hasher, 3) for text in texts[:5]]
    assert [recent.sign(text, hasher, 3) for text in texts[:5]] == first and signed_now == texts[:5]
    assert np.array_equal(first[2].keys, sign(texts[2], hasher, 3).keys)
    assert np.array_equal(first[2].shingles, sign(texts[2], hasher, 3).shingles)
    with pytest.raises(ValueError):
        first[0].keys[0, 0] = 0  # shared by every scan it is handed to
    # Another hasher signs another way.
    other = recent.sign(texts[0], PassageHasher(seed=2), 3)
    assert not np.array_equal(other.keys, first[0].keys)

    # Eleven texts now; nine more leave the ten used last: texts 1 to 4 and the other hasher's go.
    recent.sign(texts[0], hasher, 3)
    for text in texts[5:14]:
        recent.sign(text, hasher, 3)
    signed_now.clear()
    recent.sign(texts[0], hasher, 3)
    recent.sign(texts[13], hasher, 3)
    assert signed_now == []
    recent.sign(texts[1], hasher, 3)
    assert signed_now == [texts[1]]
