"""The neutral semantics of participants: ``svc.participants(...)`` and
``svc.get_participant(...)``, shared by every adapter through :class:`BaseConferenceService`.

Kept apart from :mod:`confclient.service` (one job per module): this is the checking of the
arguments and the meaning of "a conference" (a :class:`Conference`, whose ``data_region``
says where to ask, or an id, found as ``get`` finds one); the adapter's hooks do the rest.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .errors import InvalidRequestError
from .model import Conference, Participant
from .paging import Pager, decode_resume_token
from .query import Capability, ParticipantQuery, check_id

__all__ = ["ParticipantOperations"]


class ParticipantOperations:
    """``participants`` and ``get_participant``, over the three hooks an adapter with
    ``Capability.PARTICIPANTS`` defines: ``_participants``, ``_resume_participants`` and
    ``_get_participant`` (paging, resume tokens and guards are the :class:`Pager`'s, as for
    conferences).
    """

    provider: ClassVar[str]
    regions: ClassVar[tuple[str, ...]]
    capabilities: ClassVar[frozenset[Capability]]
    if TYPE_CHECKING:
        _pagers: weakref.WeakSet[Pager]

        def _require(self, capability: Capability) -> None: ...

    def participants(
        self,
        conference: str | Conference,
        *,
        label: str | None = None,
        muted: bool | None = None,
        on_hold: bool | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        resume_token: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> Pager:
        """The participants of one conference, streamed as pages arrive (a :class:`Pager`
        of :class:`Participant`). Nothing is sent until it is iterated; bad arguments raise
        here, at once.

        ``conference`` is a :class:`Conference` (asked for in its ``data_region``) or its
        id (found wherever it lives). A filter the provider cannot apply on its side raises
        :class:`UnsupportedFilterError`; ``filters=`` passes the provider's own filters.

        >>> async for p in svc.participants(conf, muted=True):   # doctest: +SKIP
        ...     print(p.id, p.label, p.status)
        """
        self._require(Capability.PARTICIPANTS)
        conference_id, region = self._participant_target(conference)
        query = ParticipantQuery.build(
            label=label,
            muted=muted,
            on_hold=on_hold,
            page_size=page_size,
            limit=limit,
            resume_token=resume_token,
            filters=filters,
        )
        if query.resume_token is not None:
            cursor, skip = decode_resume_token(query.resume_token, self.provider)
            pager = self._resume_participants(conference_id, region, query, cursor, skip)
        else:
            pager = self._participants(conference_id, region, query)
        self._pagers.add(pager)
        return pager

    async def get_participant(
        self, conference: str | Conference, participant_id: str
    ) -> Participant:
        """One participant of one conference (``conference`` as :meth:`participants` takes
        it; ``participant_id`` as the provider names participants, see README)."""
        self._require(Capability.PARTICIPANTS)
        conference_id, region = self._participant_target(conference)
        return await self._get_participant(
            conference_id, region, check_id(participant_id, "participant_id")
        )

    def _participant_target(self, conference: object) -> tuple[str, str | None]:
        """The conference's id, and its data region when a :class:`Conference` says it."""
        if not isinstance(conference, Conference):
            return check_id(conference, "conference"), None
        if conference.provider != self.provider:
            raise InvalidRequestError(
                f"this {self.provider} service cannot list the participants of a "
                f"{conference.provider} conference ({conference.id!r})"
            )
        region = conference.data_region if conference.data_region in self.regions else None
        return check_id(conference.id, "conference.id"), region

    # -- the adapter's hooks ------------------------------------------------------------------

    def _participants(
        self, conference_id: str, region: str | None, query: ParticipantQuery
    ) -> Pager:
        """A new listing of the participants of ``conference_id`` (``region``: where the
        conference is known to be, ``None``: to be found); checks the id and the filters."""
        raise NotImplementedError

    def _resume_participants(
        self,
        conference_id: str,
        region: str | None,
        query: ParticipantQuery,
        cursor: Any,
        skip: int,
    ) -> Pager:
        """A participant listing continuing at ``cursor`` (from a resume token): check it
        field by field, and that it lists ``conference_id`` with the filters given."""
        raise NotImplementedError

    async def _get_participant(
        self, conference_id: str, region: str | None, participant_id: str
    ) -> Participant:
        """One participant; ``region`` as :meth:`_participants` has it."""
        raise NotImplementedError
