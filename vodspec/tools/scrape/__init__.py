"""The scraping side: a source page in, a validated dataset model out (``pipeline.scrape``).

Needs the ``scrape`` extra (beautifulsoup4, lxml, cmarkgfm, pydantic); the accessor
never imports it. This file imports nothing, so that a light submodule (``text``,
``markup``) does not load the parsers: the pipeline lives in ``vodspec.tools.scrape.pipeline``.
"""
