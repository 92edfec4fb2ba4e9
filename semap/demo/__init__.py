"""The demo registry: synthetic organizations and shared resources, faithful to the published 2013 figures.

Synthetic and said so: names, addresses' building numbers and coordinates are made up; districts, counts per
type, the industry mix (from the published LQ table), the survey's category counts, road names and the four
shared facilities (real records from the center's 2021 briefing) follow the published facts.
"""
