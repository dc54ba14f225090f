"""The cycle collector runs less often during bulk work and is put back after, however
the users nest or overlap."""

import gc
import threading

from db.collector import fewer_collections


def test_the_threshold_is_raised_while_used_and_put_back_by_the_last_user():
    before = gc.get_threshold()
    with fewer_collections():
        raised = gc.get_threshold()
        with fewer_collections():
            assert gc.get_threshold() == raised
        assert gc.get_threshold() == raised  # the outer user still works
    assert raised[0] > before[0] and gc.get_threshold() == before


def test_overlapping_threads_leave_the_setting_as_it_was():
    before, inside, leave = gc.get_threshold(), threading.Barrier(2), threading.Event()

    def work():
        with fewer_collections():
            inside.wait()
            leave.wait()

    t = threading.Thread(target=work)
    t.start()
    with fewer_collections():
        inside.wait()
    assert gc.get_threshold() != before  # the thread still works
    leave.set()
    t.join()
    assert gc.get_threshold() == before
