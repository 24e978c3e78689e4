import numpy as np
import xxhash
from datasketch import MinHash

from provenance.fingerprint import PassageHasher, affine_permutations, passage_of, shingle_hashes, shingle_jaccards, word_hashes

WORDS = ("russian airstrikes in syria have focused largely on islamic state militants since government "
         "and most rebel forces agreed to a ceasefire in the wartorn country a pentagon spokesman said monday").split()


def datasketch_signature(shingle_hashes):
    """datasketch's MinHash of shingles whose 32-bit hashes are given."""
    m = MinHash.bulk([shingle_hashes.tolist()], num_perm=64, seed=1, hashfunc=int)[0]
    return m.hashvalues


def test_window_signatures_equal_datasketch_minhash():
    hasher = PassageHasher(num_perm=64, seed=1, window=8, step=4)
    hashes = shingle_hashes(WORDS, 3)
    signatures, starts = hasher.window_signatures(hashes)
    assert len(signatures) == len(starts) > 2
    for signature, start in zip(signatures, starts):
        end = start + 8 if start != starts[-1] else len(hashes)
        assert np.array_equal(signature, datasketch_signature(hashes[start:end]))


def test_a_passage_is_what_its_signature_signs_and_its_share_is_what_minhash_estimates():
    hasher = PassageHasher(num_perm=64, seed=1, window=8, step=4)
    for n in (1, 7, 8, 9, 12, 13, 29):
        hashes = shingle_hashes(WORDS[: n + 2], 3)
        signatures, _ = hasher.window_signatures(hashes)
        assert [hasher.signature(passage_of(hashes, i, 8, 4)).tolist() for i in range(len(signatures))] == signatures.tolist()
    hashes = shingle_hashes(WORDS, 3)
    first, second = passage_of(hashes, 0, 8, 4), passage_of(hashes, 1, 8, 4)
    other = shingle_hashes("the pentagon said on monday that the ceasefire held".split(), 3)
    shares = shingle_jaccards([first, first, first, first[:0]], [second, first, other, second])
    assert shares.tolist() == [4 / 12, 1.0, 0.0, 0.0]  # half of each passage is the other's
    estimate = np.mean(hasher.signature(first) == hasher.signature(second))
    assert abs(estimate - 4 / 12) < 0.2


def test_permutations_are_datasketchs():
    for num_perm, seed in ((64, 1), (128, 7)):
        assert np.array_equal(affine_permutations(num_perm, seed), MinHash(num_perm=num_perm, seed=seed, hashfunc=xxhash.xxh32_intdigest).permutations)


def test_shingle_hashes_depend_on_the_words_and_their_order_only():
    hashes = shingle_hashes(WORDS, 3)
    assert len(hashes) == len(WORDS) - 2 and hashes.dtype == np.uint32
    assert word_hashes(["syria"])[0] == xxhash.xxh32_intdigest(b"syria")
    # The same three words hash alike wherever they stand; reordered words do not.
    again = shingle_hashes(["in", "syria", "have", "focused"], 3)
    assert again[0] == hashes[WORDS.index("in")] and again[1] == hashes[WORDS.index("syria")]
    assert shingle_hashes(["syria", "in", "have"], 3)[0] not in set(hashes.tolist())
    # Distinct shingles of a long text get distinct hashes.
    words = [f"w{i % 997}" for i in range(5000)]
    distinct = {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
    assert len(set(shingle_hashes(words, 3).tolist())) == len(distinct)


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
    assert len(shingle_hashes(["two", "words"], 3)) == 1
    assert shingle_hashes(["two", "words"], 3)[0] != shingle_hashes(["two"], 3)[0]
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


def test_long_texts_are_signed_a_slice_at_a_time_with_the_same_result(monkeypatch):
    from provenance import fingerprint

    hashes = np.random.default_rng(4).integers(0, 2**32, 1003, dtype=np.uint64).astype(np.uint32)
    hasher = PassageHasher(window=16, step=4)
    whole, starts = hasher.window_signatures(hashes)
    for at_once in (1, 3, 50):
        monkeypatch.setattr(fingerprint, "_BLOCKS_AT_ONCE", at_once)
        sliced, sliced_starts = hasher.window_signatures(hashes)
        assert np.array_equal(sliced, whole) and np.array_equal(sliced_starts, starts)


def test_word_hashes_stay_xxh32_as_remembered_words_are_forgotten(monkeypatch):
    from provenance import fingerprint

    monkeypatch.setattr(fingerprint, "KNOWN_WORDS", 5)
    monkeypatch.setattr(fingerprint, "_known_words", {})
    for words in (WORDS, WORDS[::-1], ["syria", "syria"], []):
        assert word_hashes(words).tolist() == [xxhash.xxh32_intdigest(w.encode()) for w in words]
    assert len(fingerprint._known_words) <= len(set(WORDS))
