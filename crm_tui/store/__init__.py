"""A TinyDB storage engine: journaled, crash-safe, multi-process safe, O(1) per write.

Knows nothing of the CRM. The service layer uses TinyDB's Table/Query API on `Database`.
"""

from tinydb import Query, where

from .database import Database
from .engine import Transaction, snapshot_file
from .errors import (
    CorruptFileError,
    DamagedError,
    NotADatabaseError,
    ReadOnlyError,
    StoreError,
    TransactionError,
    UnstorableValueError,
)
from .indexes import DocObserver, Index
from .table import StoreTable

__all__ = [
    "CorruptFileError",
    "DamagedError",
    "Database",
    "DocObserver",
    "Index",
    "NotADatabaseError",
    "Query",
    "ReadOnlyError",
    "StoreError",
    "StoreTable",
    "Transaction",
    "TransactionError",
    "UnstorableValueError",
    "snapshot_file",
    "where",
]
