import numpy as np

from provenance.fingerprint import PassageHasher, band_keys, fingerprint
from provenance.normalize import tokenize
from provenance.signatures import band_agreement, fingerprint_corpus
from provenance.synthetic import planted_corpus


def test_bands_read_from_disk_equal_the_signatures_in_memory(tmp_path):
    documents, _ = planted_corpus(40, words=120, seed=2)
    texts = [d.text for d in documents] + ["", "one two"]  # no passage, and a single short one
    hasher = PassageHasher()
    store = fingerprint_corpus(texts, hasher, 3, tmp_path, chunk_size=7)
    signatures = [fingerprint(tokenize(t), hasher, 3).signatures for t in texts]
    everything = np.concatenate(signatures)
    assert len(store.chunks) == 6 and store.documents == len(texts)
    assert np.array_equal(store.owner(), np.repeat(np.arange(len(texts)), [len(s) for s in signatures]))
    for band in (0, 5, 31):
        assert np.array_equal(store.band(band), band_keys(everything)[:, band])
    rng = np.random.default_rng(0)
    first, second = rng.integers(0, len(everything), 500), rng.integers(0, len(everything), 500)
    agree = sum(band_agreement(store, band, first, second).astype(int) for band in range(store.bands))
    assert np.array_equal(agree, (everything[first] == everything[second]).sum(axis=1))
