"""Kith's engine: database, ingest, matching, identity, sync and social layers.

Pure Python: this package must never import Qt (a test enforces it), so it can run in the
CLI, in worker threads and in worker processes alike.
"""
