"""A worker's start-up heap is frozen: the garbage collector's full collections skip it."""

import gc
from dataclasses import replace

from api.wsgi_server import _Server


def test_a_loaded_worker_has_its_start_up_objects_frozen(settings):
    gc.unfreeze()
    try:
        app = _Server(replace(settings, scheduler="external"), 1).load()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the app, its mappers and modules: the heap, not a handful
        assert app.extensions["kim"]["settings"].scheduler == "external"
        young = gc.get_objects()
        # the app itself is out of the collector's sight
        assert all(not isinstance(o, type(app)) for o in young)
    finally:
        gc.unfreeze()
