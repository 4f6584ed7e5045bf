#!/usr/bin/perl
# Mail::SRS 0.31 (Debian libmail-srs-perl) as a line-oriented peer for the differential tests.
# Request (tab-separated): op day hashlength hashmin maxage separator alwaysrewrite alias secrets(comma) input
# Answer: "OK\t<result>" or "ERR\t<message without Perl's ' at FILE line N.'>"; time() is noon UTC of <day>.
BEGIN { *CORE::GLOBAL::time = sub () { $main::NOW } }
use strict;
use warnings;
use Mail::SRS;
$| = 1;
$SIG{__WARN__} = sub { };
while (my $line = <STDIN>) {
    chomp $line;
    my ($op, $day, $hl, $hmin, $maxage, $sep, $always, $alias, $secrets, $input) = split /\t/, $line, 10;
    $main::NOW = $day * 86400 + 43200;
    my $r = eval {
        my $srs = Mail::SRS->new(Secret => [ split /,/, $secrets ], HashLength => $hl, HashMin => $hmin,
            MaxAge => $maxage, Separator => $sep, AlwaysRewrite => $always);
        $op eq 'forward' ? $srs->forward($input, $alias) : $srs->reverse($input);
    };
    if ($@) {
        my $e = $@;
        $e =~ s/ at \S+ line \d+(?:, <\S+> line \d+)?\.//g;
        $e =~ s/\n//g;
        print "ERR\t$e\n";
    } else {
        print "OK\t$r\n";
    }
}
