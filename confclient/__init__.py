"""confclient — list, fetch and create voice conferences on any telephony provider.

>>> import confclient
>>> async with confclient.connect("telnyx", api_key=KEY) as svc:      # doctest: +SKIP
...     async for conf in svc.list(region="Europe", status="in_progress"):
...         print(conf.id, conf.name, conf.status)
"""

from ._version import __version__
from .config import (
    available_providers,
    connect,
    connect_from_env,
    load_provider,
    register_provider,
    unregister_provider,
)
from .errors import (
    APIError,
    AuthenticationError,
    ConfClientError,
    ConfigurationError,
    DecodeError,
    ErrorDetail,
    ErrorSource,
    FanOutError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TransportError,
    TransportTimeoutError,
    UnsafeRedirectError,
    UnsupportedFilterError,
    UnsupportedOperationError,
    ValidationError,
)
from .fanout import FanOut, fan_out, merge
from .model import Conference, ConferenceStatus, EndReason, Page
from .paging import Pager
from .service import BaseConferenceService, Capability, ConferenceService, ListQuery
from .transport import ResponseTooLargeError, RetryPolicy, Timeout

__all__ = [
    "APIError",
    "AuthenticationError",
    "BaseConferenceService",
    "Capability",
    "ConfClientError",
    "Conference",
    "ConferenceService",
    "ConferenceStatus",
    "ConfigurationError",
    "DecodeError",
    "EndReason",
    "ErrorDetail",
    "ErrorSource",
    "FanOut",
    "FanOutError",
    "InvalidRequestError",
    "ListQuery",
    "NotFoundError",
    "Page",
    "Pager",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "Timeout",
    "TransportError",
    "TransportTimeoutError",
    "UnsafeRedirectError",
    "UnsupportedFilterError",
    "UnsupportedOperationError",
    "ValidationError",
    "__version__",
    "available_providers",
    "connect",
    "connect_from_env",
    "fan_out",
    "load_provider",
    "merge",
    "register_provider",
    "unregister_provider",
]
