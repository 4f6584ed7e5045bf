#!/usr/bin/perl
# ARC peer harness around Debian's Mail::DKIM (libmail-dkim-perl), DNS answered from a JSON file
# through Net::DNS::Resolver::Mock.
#   maildkim_arc.pl verify DNS.json < msg                                  -> {"state":..,"reason":..}
#   maildkim_arc.pl seal DNS.json DOMAIN SELECTOR KEYFILE SRVID [NOW] < msg  -> sealed message
#   maildkim_arc.pl bench verify|seal DNS.json MSGFILE SECONDS [DOMAIN SELECTOR KEYFILE SRVID]
use strict;
use warnings;
use JSON::PP;
use Time::HiRes qw(time);
use Mail::DKIM;
use Mail::DKIM::DNS;
use Mail::DKIM::ARC::Verifier;
use Mail::DKIM::ARC::Signer;
use Net::DNS::Resolver::Mock;

sub load_dns {
    my ($path) = @_;
    open my $fh, '<', $path or die "cannot read $path: $!";
    local $/;
    my $records = decode_json(<$fh>);
    my $zone = '';
    for my $name (keys %$records) {
        (my $v = $records->{$name}) =~ s/\s+/ /g;
        $v =~ s/"/\\"/g;
        my @chunks = ($v =~ /(.{1,250})/g);
        $zone .= "$name. 300 IN TXT " . join(' ', map { "\"$_\"" } @chunks) . "\n";
    }
    my $r = Net::DNS::Resolver::Mock->new();
    $r->zonefile_parse($zone);
    Mail::DKIM::DNS::resolver($r);
}

sub crlf { my ($m) = @_; $m =~ s/\r?\n/\r\n/g; return $m; }

sub verify {
    my ($msg) = @_;
    my $arc = Mail::DKIM::ARC::Verifier->new(Strict => 1);
    $arc->PRINT($msg);
    $arc->CLOSE;
    return ($arc->result, $arc->result_detail);
}

sub seal {
    my ($msg, $domain, $selector, $keyfile, $srvid, $now) = @_;
    my $s = Mail::DKIM::ARC::Signer->new(Algorithm => 'rsa-sha256', Domain => $domain, Selector => $selector,
        SrvId => $srvid, KeyFile => $keyfile, Chain => 'ar', (defined $now ? (Timestamp => $now) : ()));
    $s->PRINT($msg);
    $s->CLOSE;
    return $s->as_string . $msg;
}

my $cmd = shift @ARGV;
binmode STDIN; binmode STDOUT;
if ($cmd eq 'verify') {
    load_dns(shift @ARGV);
    my $msg = crlf(do { local $/; <STDIN> });
    my ($state, $detail) = verify($msg);
    print encode_json({state => lc $state, reason => $detail // ''}), "\n";
} elsif ($cmd eq 'seal') {
    load_dns(shift @ARGV);
    my ($domain, $selector, $keyfile, $srvid, $now) = @ARGV;
    my $msg = crlf(do { local $/; <STDIN> });
    print seal($msg, $domain, $selector, $keyfile, $srvid, $now);
} elsif ($cmd eq 'bench') {
    my ($what, $dns, $msgfile, $seconds, @seal) = @ARGV;
    load_dns($dns);
    open my $fh, '<', $msgfile or die; binmode $fh;
    my $msg = crlf(do { local $/; <$fh> });
    my $op = $what eq 'verify' ? sub { my ($s) = verify($msg); die "not pass: $s" unless $s eq 'pass'; }
                               : sub { my $out = seal($msg, @seal, 1700000000); die "not sealed" if $out eq $msg; };
    $op->();
    my ($n, $start) = (0, time);
    my ($u0, $s0) = times;
    while (time - $start < $seconds) { $op->(); $n++; }
    my $wall = time - $start;
    my ($u1, $s1) = times;
    print encode_json({ops_per_s => $n / $wall, ops_per_cpu_s => $n / (($u1 - $u0) + ($s1 - $s0))}), "\n";
} else {
    die "unknown command $cmd\n";
}
