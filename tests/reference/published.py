"""Published inputs used by several tests, with their sources."""

# Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision
# Making, p. 78: EC car-emission standards, as reproduced by Scholz, Calbert & Smith (2011),
# J. Theoretical Politics 23(4). (actor, capability, position in years of delay, salience 0-100)
EMISSIONS_BDM1994 = [
    ("Netherlands", 0.08, 4, 80),
    ("Belgium", 0.08, 7, 40),
    ("Luxembourg", 0.03, 4, 20),
    ("Germany", 0.16, 4, 80),
    ("France", 0.16, 10, 60),
    ("Italy", 0.16, 10, 60),
    ("UK", 0.16, 10, 90),
    ("Ireland", 0.05, 7, 10),
    ("Denmark", 0.05, 4, 100),
    ("Greece", 0.08, 7, 70),
]
