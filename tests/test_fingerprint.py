import numpy as np
import xxhash
from datasketch import MinHash

from provenance.fingerprint import PassageHasher, shingle_hashes, shingle_texts

WORDS = ("russian airstrikes in syria have focused largely on islamic state militants since government "
         "and most rebel forces agreed to a ceasefire in the wartorn country a pentagon spokesman said monday").split()


def datasketch_signature(shingles):
    m = MinHash.bulk([[s.encode("utf-8") for s in shingles]], num_perm=64, seed=1, hashfunc=xxhash.xxh32_intdigest)[0]
    return m.hashvalues


def test_window_signatures_equal_datasketch_minhash():
    hasher = PassageHasher(num_perm=64, seed=1, window=8, step=4)
    hashes = shingle_hashes(WORDS, 3)
    signatures, starts = hasher.window_signatures(hashes)
    texts = shingle_texts(WORDS, 3)
    assert len(signatures) == len(starts) > 2
    for signature, start in zip(signatures, starts):
        end = start + 8 if start != starts[-1] else len(texts)
        assert np.array_equal(signature, datasketch_signature(texts[start:end]))


def test_windows_cover_every_shingle():
    hasher = PassageHasher(window=16, step=4)
    for n in (1, 3, 15, 16, 17, 40, 41):
        signatures, starts = hasher.window_signatures(np.arange(n, dtype=np.uint32))
        covered = set()
        for i, start in enumerate(starts):
            end = start + 16 if i < len(starts) - 1 else n
            covered.update(range(start, end))
        assert covered == set(range(n)), n


def test_short_text_is_one_shingle_and_empty_text_none():
    assert shingle_texts(["two", "words"], 3) == ["two\x1fwords"]
    assert len(shingle_hashes([], 3)) == 0
    signatures, starts = PassageHasher().window_signatures(shingle_hashes([], 3))
    assert signatures.shape == (0, 64) and len(starts) == 0


def test_similar_passages_share_signature_rows_and_different_ones_do_not():
    hasher = PassageHasher()
    a = hasher.signature(shingle_hashes(WORDS, 3))
    b = hasher.signature(shingle_hashes(WORDS[:-1] + ["tuesday"], 3))
    other = hasher.signature(shingle_hashes("the quick brown fox jumps over the lazy dog again and again".split(), 3))
    assert (a == b).mean() > 0.7
    assert (a == other).mean() < 0.1
