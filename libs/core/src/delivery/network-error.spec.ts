import { describeNetworkError } from './network-error';

function coded(code: string, message = `boom ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

describe('describeNetworkError', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused (ECONNREFUSED)'],
    ['ECONNRESET', 'connection reset (ECONNRESET)'],
    ['ENOTFOUND', 'host not found (ENOTFOUND)'],
    ['EAI_AGAIN', 'DNS lookup failed temporarily (EAI_AGAIN)'],
    ['EHOSTUNREACH', 'host unreachable (EHOSTUNREACH)'],
    ['ENETUNREACH', 'network unreachable (ENETUNREACH)'],
    ['ETIMEDOUT', 'connection timed out (ETIMEDOUT)'],
    ['EPIPE', 'connection closed while sending (EPIPE)'],
    ['UND_ERR_SOCKET', 'connection closed by the receiver (UND_ERR_SOCKET)'],
    ['UND_ERR_CLOSED', 'connection closed (UND_ERR_CLOSED)'],
    ['ERR_INVALID_URL', 'invalid URL (ERR_INVALID_URL)'],
  ])('describes %s', (code, message) => {
    expect(describeNetworkError(coded(code))).toEqual({ code, message });
  });

  it.each([
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'CERT_SIGNATURE_FAILURE',
  ])('calls %s a certificate error', (code) => {
    expect(describeNetworkError(coded(code))).toEqual({ code, message: `TLS certificate error (${code})` });
  });

  it.each(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'EPROTO'])(
    'calls %s a handshake failure',
    (code) => {
      expect(describeNetworkError(coded(code)).message).toBe(`TLS handshake failed (${code})`);
    },
  );

  it('calls an HTTP parser error an invalid response', () => {
    expect(describeNetworkError(coded('HPE_INVALID_CONSTANT')).message).toBe(
      'invalid HTTP response (HPE_INVALID_CONSTANT)',
    );
  });

  it('keeps the first line of the message for an unknown code', () => {
    expect(describeNetworkError(coded('EWEIRD', 'something odd\nstack-ish detail'))).toEqual({
      code: 'EWEIRD',
      message: 'network error: something odd (EWEIRD)',
    });
  });

  it('bounds a long message', () => {
    const { message } = describeNetworkError(coded('EWEIRD', 'x'.repeat(5000)));
    expect(message.length).toBeLessThan(250);
  });

  it('says UNKNOWN when there is no code anywhere', () => {
    expect(describeNetworkError(new Error('plain'))).toEqual({
      code: 'UNKNOWN',
      message: 'network error: plain (UNKNOWN)',
    });
    expect(describeNetworkError('a string')).toEqual({ code: 'UNKNOWN', message: 'network error (UNKNOWN)' });
    expect(describeNetworkError(undefined)).toEqual({ code: 'UNKNOWN', message: 'network error (UNKNOWN)' });
  });

  it('looks inside an AggregateError from happy eyeballs', () => {
    const aggregate = new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'connect failed');
    expect(describeNetworkError(aggregate)).toEqual({
      code: 'ECONNREFUSED',
      message: 'connection refused (ECONNREFUSED)',
    });
  });

  it('prefers the innermost code along a cause chain', () => {
    const wrapped = Object.assign(new Error('fetch failed', { cause: coded('ECONNRESET') }), {
      code: 'UND_ERR_X',
    });
    expect(describeNetworkError(wrapped).code).toBe('ECONNRESET');
  });

  it('recognises error-shaped objects from another realm', () => {
    expect(
      describeNetworkError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:80' }),
    ).toEqual({
      code: 'ECONNREFUSED',
      message: 'connection refused (ECONNREFUSED)',
    });
  });

  it('survives a cyclic cause chain', () => {
    const a: Error & { cause?: unknown } = coded('ECONNRESET');
    a.cause = a;
    expect(describeNetworkError(a).code).toBe('ECONNRESET');
  });
});
