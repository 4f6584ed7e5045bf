#!/usr/bin/perl
# Mail::SRS 0.31 in-process, one thread: forward/reverse per second with the same inputs as
# org.jamesexim.bench.srs.SrsBenchmark. Prints "mail_srs.<op> <ops/s>" per round.
use strict;
use warnings;
use Mail::SRS;
use Time::HiRes qw(time);
my $rounds = shift // 3;
my $n = shift // 200000;
my $srs = Mail::SRS->new(Secret => ['tops3cr3t'], HashLength => 4, MaxAge => 21);
my $alias = 'fwd.example.net';
my $sender = 'alice.smith@example.com';
my $foreign = 'SRS0=sicX=NP=orig.example=joe@first-fwd.example';
my $srs0 = $srs->forward($sender, $alias);
my $srs1 = $srs->forward($foreign, $alias);
die "bad inputs" unless $srs->reverse($srs0) eq $sender;
my %ops = (
    srs0Forward => sub { $srs->forward($sender, $alias) },
    srs0Reverse => sub { $srs->reverse($srs0) },
    srs1Forward => sub { $srs->forward($foreign, $alias) },
    srs1Reverse => sub { $srs->reverse($srs1) },
);
for my $round (1 .. $rounds) {
    for my $name (sort keys %ops) {
        my $op = $ops{$name};
        my $t0 = time();
        $op->() for 1 .. $n;
        my $dt = time() - $t0;
        printf "mail_srs.%s %.0f\n", $name, $n / $dt;
    }
}
