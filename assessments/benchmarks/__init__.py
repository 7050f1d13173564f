"""Peer benchmarks, retakes and the annual benchmark report (a Django sub-app, label
"benchmarks").

    receivers      keeps the stored distributions in step with the assessments (signals)
    services       writes: a result's contribution, a rebuild, a retake
    selectors      reads: a result against its group, the change since the previous result
    annual         the anonymised annual benchmark report
    figures        pure arithmetic: histograms, ranks, bands, quartiles, alpha, MDC95
    models         Distribution (per version × group × area), Entry (what one result
                   contributed), Series and SeriesMember (retakes)

It sits between the report and the core's services: the report, the PDF and the rooms read it;
it never imports them.
"""
