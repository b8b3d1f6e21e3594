"""Operations: the embedded cluster, Sqitch, PostgREST and the gateway processes."""
