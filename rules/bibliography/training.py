"""Bibliography entries for the training area: key → {kind, reference, url}. See __init__.py."""

REFERENCES = {
    "daly2006": {
        "kind": "paper",
        "reference": "J. T. Daly, A higher order estimate of the optimum checkpoint interval for restart "
                     "dumps, Future Generation Computer Systems 22(3):303–312, 2006. "
                     "doi:10.1016/j.future.2004.11.016",
        "url": "https://doi.org/10.1016/j.future.2004.11.016",
    },
    "young1974": {
        "kind": "paper",
        "reference": "J. W. Young, A first order approximation to the optimum checkpoint interval, "
                     "Communications of the ACM 17(9):530–531, 1974. doi:10.1145/361147.361115",
        "url": "https://doi.org/10.1145/361147.361115",
    },
}
