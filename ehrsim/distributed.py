"""Running shards on a Dask cluster: the same ``run_shard`` units, scheduled across machines.

Workers must see the output folder (a shared file system) and have ehrsim installed. The parent
only submits shard numbers (a bounded number in flight) and assembles the tables at the end, so
a run can be resumed from any machine, with any cluster size, with byte-identical output.
"""

from __future__ import annotations

from collections.abc import Callable

from ehrsim.errors import ConfigError
from ehrsim.settings import Settings


def run_on_dask(settings: Settings, shards: list[int], address: str, progress: Callable[[int], None] | None) -> None:
    """Run ``shards`` on the Dask scheduler at ``address`` (``local`` starts a local cluster)."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ConfigError("--dask needs dask.distributed: pip install 'ehrsim[dask]'") from None
    from ehrsim.runner import run_shard

    cluster = (
        LocalCluster(n_workers=settings.workers, threads_per_worker=1, processes=True) if address == "local" else None
    )
    with Client(cluster or address) as client:
        pending = iter(shards)
        limit = max(2, 2 * sum(client.nthreads().values()))
        futures = as_completed(
            [client.submit(run_shard, settings, k, pure=False) for k, _ in zip(pending, range(limit), strict=False)]
        )
        for future in futures:
            counts = future.result()
            if progress:
                progress(counts.get("patients", 0))
            nxt = next(pending, None)
            if nxt is not None:
                futures.add(client.submit(run_shard, settings, nxt, pure=False))
    if cluster is not None:
        cluster.close()
