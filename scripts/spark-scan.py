#!/usr/bin/env python3
"""`provenance` as a file spark-submit can run (it takes Python programs by their .py name):

    spark-submit --master yarn scripts/spark-scan.py scan hdfs:///news.parquet --engine spark -f parquet -o out/
"""

from provenance.cli import app

if __name__ == "__main__":
    app()
