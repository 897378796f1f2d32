"""Therapist homework: a therapist assigns an exercise, partners practise and submit, the
therapist reviews and exports.

Modules, in the order a request meets them:

- ``accounts``: therapist registration, sign-in (argon2, rate-limited), sessions that expire;
- ``assignments``: couples, assignments, the share links and short codes for each partner;
- ``partner``: a partner opens an assignment by link or code, practises, submits attempts;
- ``review``: the therapist reads submissions (rubric, findings), comments, marks reviewed;
- ``export``: one assignment or a couple's work as Markdown, CSV or PDF;
- ``secret``, ``ratelimit``, ``ownership``: the hashing, the limits and the access checks
  everything above relies on.

Every function takes the caller's ``Session`` and flushes; the caller commits (``session_scope``).
The one exception is a *failed* sign-in or code entry: that failure is committed before the error
is raised, so rolling back the caller's transaction cannot erase it from the rate limit.
"""
