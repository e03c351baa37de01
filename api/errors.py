"""The one place where the runner's errors become HTTP answers.

==========================================  =====  ==================================
error (stage)                               HTTP   why
==========================================  =====  ==================================
``ParamError`` (a request parameter)        400    the client can fix it; it is named
``DatabaseError`` unavailable or timeout    503    worth retrying: ``Retry-After``
``DatabaseError`` of the SQL                500    our model is wrong for the engine
any other ``RunnerError`` (config,          500    the project is broken: logged with
template, compile, graph)                          path:line, never shown
anything else                               500    logged with its traceback
==========================================  =====  ==================================

Bodies are Falcon's JSON error format: a title and a description, never SQL, a stack
trace or a secret.
"""

from __future__ import annotations

import logging

import falcon

from runner.errors import DatabaseError, ParamError, RunnerError

log = logging.getLogger("api")


class ErrorMapper:
    """A Falcon error handler for every ``RunnerError`` (``app.add_error_handler``)."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after

    def __call__(self, req: falcon.Request, resp: falcon.Response, ex: Exception, params) -> None:
        raise self.http_error(ex) from None

    def http_error(self, ex: Exception) -> falcon.HTTPError:
        if isinstance(ex, ParamError):
            return falcon.HTTPInvalidParam(ex.message, ex.param or "query")
        flat = ex.format().replace("\n", " | ") if isinstance(ex, RunnerError) else repr(ex)
        if isinstance(ex, DatabaseError) and ex.unavailable:
            log.error("database %s: %s", ex.cause, flat)
            return falcon.HTTPServiceUnavailable(
                title="Service unavailable",
                description="the database is unavailable; try again shortly",
                retry_after=self.retry_after,
            )
        stage = ex.stage if isinstance(ex, RunnerError) else "unexpected"
        log.error("dashboard failed (%s error): %s", stage, flat)
        return falcon.HTTPInternalServerError(
            title="Internal server error", description="the dashboard could not be computed"
        )


def unexpected(req: falcon.Request, resp: falcon.Response, ex: Exception, params) -> None:
    """Anything unforeseen is a JSON 500: logged with its traceback, never shown."""
    if isinstance(ex, falcon.HTTPError):
        raise ex
    log.exception("unhandled error on %s %s", req.method, req.path)
    raise falcon.HTTPInternalServerError(title="Internal server error")
