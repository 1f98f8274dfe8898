"""scikit-learn side of bench/lsa-sklearn.ts: the same documents, features and SVD settings as pubcom's lsa.

Reads the JSON the TypeScript side wrote (each document's features as strings, the rows the SVD is fitted on,
dim, oversampling, power iterations, min_df, max_features) and times TfidfVectorizer + TruncatedSVD
(randomized, same k, oversampling and iterations, fitted on the same sample, then every document transformed).
Prints one JSON object. The features arrive already extracted, so scikit-learn does not pay for n-gram
extraction while pubcom does: the ratio leans in scikit-learn's favour.
"""
import json
import sys
import time


def main() -> None:
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    import numpy as np
    import sklearn
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = spec["docs"]
    sample = np.asarray(spec["sample"], dtype=np.int64)
    cpu0, t0 = time.process_time(), time.perf_counter()
    vectorizer = TfidfVectorizer(
        analyzer=lambda d: d,  # features are given, as pubcom extracted them
        min_df=spec["min_df"],
        max_features=spec["max_features"],
        sublinear_tf=True,
        dtype=np.float64,
    )
    x = vectorizer.fit_transform(docs)
    t1 = time.perf_counter()
    svd = TruncatedSVD(
        n_components=spec["dim"],
        algorithm="randomized",
        n_iter=spec["power_iterations"],
        n_oversamples=spec["oversample"],
        random_state=0,
    )
    svd.fit(x[sample])
    z = svd.transform(x)
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu0
    print(
        json.dumps(
            {
                "sklearn": sklearn.__version__,
                "features": int(x.shape[1]),
                "nnz": int(x.nnz),
                "dim": int(z.shape[1]),
                "tfidf": t1 - t0,
                "svd": t2 - t1,
                "wall": t2 - t0,
                "cpu": cpu,
            }
        )
    )


if __name__ == "__main__":
    main()
