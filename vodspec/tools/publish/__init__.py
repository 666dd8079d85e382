"""The build side: scrape every source in raw/, compare with data/, publish data/."""
