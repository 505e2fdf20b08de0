"""confclient — list, fetch and create voice conferences on any telephony provider.

>>> import confclient
>>> async with confclient.connect("telnyx", api_key=KEY) as svc:      # doctest: +SKIP
...     async for conf in svc.list(region="Europe", status="in_progress"):
...         print(conf.id, conf.name, conf.status)
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import __version__

# The public names are loaded on first use (PEP 562): `import confclient` stays cheap, which
# matters because the pytest plugin (confclient.testing) is imported by every pytest run in
# an environment that has confclient installed, used or not.
if TYPE_CHECKING:
    from .config import (
        available_providers,
        connect,
        connect_from_env,
        load_provider,
        register_provider,
        unregister_provider,
        webhook_verifier,
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
        ResponseTooLargeError,
        ServerError,
        TransportError,
        TransportTimeoutError,
        UnsafeRedirectError,
        UnsupportedFilterError,
        UnsupportedOperationError,
        ValidationError,
        WebhookSignatureError,
    )
    from .events import ConferenceEvent, EventType, WebhookVerifier
    from .fanout import FanOut, fan_out, merge
    from .model import Conference, ConferenceStatus, EndReason, Page, Participant, ParticipantStatus
    from .paging import Pager
    from .query import Capability, ListQuery, ParticipantQuery
    from .service import BaseConferenceService, ConferenceService
    from .transport import RetryPolicy, Timeout

_LAZY: dict[str, str] = {
    "APIError": "errors",
    "AuthenticationError": "errors",
    "BaseConferenceService": "service",
    "Capability": "query",
    "ConfClientError": "errors",
    "Conference": "model",
    "ConferenceEvent": "events",
    "ConferenceService": "service",
    "ConferenceStatus": "model",
    "ConfigurationError": "errors",
    "DecodeError": "errors",
    "EndReason": "model",
    "ErrorDetail": "errors",
    "ErrorSource": "errors",
    "EventType": "events",
    "FanOut": "fanout",
    "FanOutError": "errors",
    "InvalidRequestError": "errors",
    "ListQuery": "query",
    "NotFoundError": "errors",
    "Page": "model",
    "Pager": "paging",
    "Participant": "model",
    "ParticipantQuery": "query",
    "ParticipantStatus": "model",
    "RateLimitError": "errors",
    "ResponseTooLargeError": "errors",
    "RetryPolicy": "transport",
    "ServerError": "errors",
    "Timeout": "transport",
    "TransportError": "errors",
    "TransportTimeoutError": "errors",
    "UnsafeRedirectError": "errors",
    "UnsupportedFilterError": "errors",
    "UnsupportedOperationError": "errors",
    "ValidationError": "errors",
    "WebhookSignatureError": "errors",
    "WebhookVerifier": "events",
    "available_providers": "config",
    "connect": "config",
    "connect_from_env": "config",
    "fan_out": "fanout",
    "load_provider": "config",
    "merge": "fanout",
    "register_provider": "config",
    "unregister_provider": "config",
    "webhook_verifier": "config",
}

__getattr__, __dir__ = lazy_exports("confclient", _LAZY, globals())


__all__ = [
    "APIError",
    "AuthenticationError",
    "BaseConferenceService",
    "Capability",
    "ConfClientError",
    "Conference",
    "ConferenceEvent",
    "ConferenceService",
    "ConferenceStatus",
    "ConfigurationError",
    "DecodeError",
    "EndReason",
    "ErrorDetail",
    "ErrorSource",
    "EventType",
    "FanOut",
    "FanOutError",
    "InvalidRequestError",
    "ListQuery",
    "NotFoundError",
    "Page",
    "Pager",
    "Participant",
    "ParticipantQuery",
    "ParticipantStatus",
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
    "WebhookSignatureError",
    "WebhookVerifier",
    "__version__",
    "available_providers",
    "connect",
    "connect_from_env",
    "fan_out",
    "load_provider",
    "merge",
    "register_provider",
    "unregister_provider",
    "webhook_verifier",
]
