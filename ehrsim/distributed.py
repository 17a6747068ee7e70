"""Running shards on a Dask cluster: the same ``run_shard`` units, scheduled across machines.

Workers must see the output folder (a shared file system) and have ehrsim installed. The parent
only submits shard numbers through the same feeding loop as a local run (``runner.feed``, a
bounded number in flight) and assembles the tables at the end, so a run can be resumed from any
machine, with any cluster size, with byte-identical output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ehrsim.errors import ConfigError
from ehrsim.settings import Settings


class _DaskShards:
    def __init__(self, client: Any, settings: Settings) -> None:
        self.client, self.settings = client, settings

    def submit(self, shard: int) -> Any:
        from ehrsim.runner import run_shard

        return self.client.submit(run_shard, self.settings, shard, pure=False)


def run_on_dask(settings: Settings, shards: list[int], address: str, progress: Callable[[int], None] | None) -> None:
    """Run ``shards`` on the Dask scheduler at ``address`` (``local`` starts a local cluster)."""
    try:
        from dask.distributed import Client, LocalCluster, wait
    except ImportError:
        raise ConfigError("--dask needs dask.distributed: pip install 'ehrsim[dask]'") from None
    from ehrsim.runner import feed

    cluster = (
        LocalCluster(n_workers=settings.workers, threads_per_worker=1, processes=True) if address == "local" else None
    )
    try:
        with Client(cluster or address) as client:
            limit = max(2, 2 * sum(client.nthreads().values()))
            feed(
                shards,
                _DaskShards(client, settings),
                limit,
                progress,
                lambda fs: wait(fs, return_when="FIRST_COMPLETED"),
            )
    finally:
        if cluster is not None:
            cluster.close()
