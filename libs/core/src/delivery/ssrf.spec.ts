import { isForbiddenAddress, literalForbiddenHost, literalIpOf } from './ssrf';

describe('isForbiddenAddress', () => {
  it.each([
    ['8.8.8.8', 'public IPv4'],
    ['1.1.1.1', 'public IPv4'],
    ['93.184.216.34', 'public IPv4'],
    ['100.63.255.255', 'just below CGNAT'],
    ['100.128.0.0', 'just above CGNAT'],
    ['172.15.255.255', 'just below 172.16/12'],
    ['172.32.0.0', 'just above 172.16/12'],
    ['169.253.255.255', 'just below link-local'],
    ['11.0.0.1', 'just above 10/8'],
    ['126.255.255.255', 'just below loopback'],
    ['128.0.0.1', 'just above loopback'],
    ['223.255.255.254', 'just below multicast'],
    ['2606:4700:4700::1111', 'public IPv6'],
    ['2a00:1450:4001:80b::200e', 'public IPv6'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public address'],
    ['::ffff:808:808', 'IPv4-mapped public address, hex form'],
  ])('allows %s (%s)', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'RFC 1918'],
    ['10.255.255.255', 'RFC 1918'],
    ['172.16.0.1', 'RFC 1918'],
    ['172.31.255.255', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.170', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with a zone'],
    ['febf:ffff::1', 'IPv6 link-local, top of range'],
    ['fec0::1', 'deprecated site-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['ff0e::1', 'IPv6 multicast'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['100::1', 'IPv6 discard'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex form'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:0.0.0.0', 'IPv4-mapped unspecified'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['64:ff9b::808:808', 'NAT64 even of a public address'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2002:7f00:1::1', '6to4'],
    ['2001:0:4136:e378::1', 'Teredo'],
    ['4000::1', 'outside global unicast 2000::/3'],
  ])('refuses %s (%s)', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['localhost', 'a name'],
    ['example.com', 'a name'],
    ['127.1', 'shorthand IPv4'],
    ['2130706433', 'integer IPv4'],
    ['0x7f.0.0.1', 'hex IPv4'],
    ['0177.0.0.1', 'octal IPv4'],
    ['256.0.0.1', 'out of range'],
    ['1.2.3', 'three parts'],
    ['[::1]', 'bracketed'],
    ['::1::2', 'malformed IPv6'],
    [' 8.8.8.8', 'leading space'],
  ])('refuses %p (%s) because it is not a plain address', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });
});

describe('literalForbiddenHost', () => {
  it.each([
    'http://127.0.0.1/hook',
    'https://127.0.0.1:8443/hook',
    'http://10.1.2.3/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:3000/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://0.0.0.0:8080/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://127.0.0.1./',
    'http://localhost/',
    'http://localhost:3000/hook',
    'http://LOCALHOST/',
    'http://localhost./',
    'http://api.localhost/',
    'http://a.b.localhost./',
    'http://user:pass@127.0.0.1/',
  ])('is true for %s', (url) => {
    expect(literalForbiddenHost(url)).toBe(true);
  });

  it.each([
    'https://example.com/hook',
    'https://hooks.example.com:8443/x?y=1',
    'http://8.8.8.8/',
    'http://[2606:4700:4700::1111]/',
    'https://localhost.example.com/',
    'https://mylocalhost/',
    'https://notlocalhost.com/',
    'http://10.0.0.1.nip.io/',
    'http://internal/',
  ])('is false for %s', (url) => {
    expect(literalForbiddenHost(url)).toBe(false);
  });

  it('is false for something that is not a URL, leaving that to validation', () => {
    expect(literalForbiddenHost('not a url')).toBe(false);
    expect(literalForbiddenHost('')).toBe(false);
  });
});

describe('literalIpOf', () => {
  it.each([
    ['http://127.0.0.1/', '127.0.0.1'],
    ['http://[::1]:8080/', '::1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['https://8.8.8.8/x', '8.8.8.8'],
  ])('finds the address in %s', (url, ip) => {
    expect(literalIpOf(url)).toBe(ip);
  });

  it.each(['http://localhost/', 'https://example.com/', 'not a url'])('is undefined for %s', (url) => {
    expect(literalIpOf(url)).toBeUndefined();
  });
});
