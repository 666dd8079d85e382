"""The maintainer's side: scrape pages, publish and check the dataset, fetch and compare.

Nothing here is imported by the accessor (``import vodspec``, ``vodspec.status()``,
``vodspec.explain()``). ``scrape``, ``publish`` and ``fetch`` need the ``scrape`` extra;
``validate``, ``lint`` and ``diff`` need only the standard library and ship in the wheel,
so that anyone can check or compare a published dataset.
"""
