import { DESTINATION_NOT_ALLOWED, isSuccessStatus, SendResult, sendResultError } from './send-result';

function response(status: number): SendResult {
  return { kind: 'response', status, headers: {}, body: '', responseTimeMs: 12 };
}

describe('isSuccessStatus', () => {
  it.each([200, 201, 202, 204, 226, 299])('%i is a success', (status) => {
    expect(isSuccessStatus(status)).toBe(true);
  });

  it.each([100, 101, 199, 300, 301, 302, 304, 400, 404, 500, 599])('%i is not', (status) => {
    expect(isSuccessStatus(status)).toBe(false);
  });
});

describe('sendResultError', () => {
  it('is null for any 2xx', () => {
    expect(sendResultError(response(200))).toBeNull();
    expect(sendResultError(response(204))).toBeNull();
    expect(sendResultError(response(299))).toBeNull();
  });

  it.each([
    [500, 'HTTP 500: Internal Server Error'],
    [503, 'HTTP 503: Service Unavailable'],
    [404, 'HTTP 404: Not Found'],
    [429, 'HTTP 429: Too Many Requests'],
    [302, 'HTTP 302: Found'],
    [418, "HTTP 418: I'm a Teapot"],
  ])('names a %i response with its status text', (status, expected) => {
    expect(sendResultError(response(status))).toBe(expected);
  });

  it.each([
    [599, 'HTTP 599'],
    [399, 'HTTP 399'],
    [460, 'HTTP 460'],
  ])('gives just the number for an unknown status %i', (status, expected) => {
    expect(sendResultError(response(status))).toBe(expected);
  });

  it("uses a timeout's message", () => {
    expect(sendResultError({ kind: 'timeout', responseTimeMs: 30000, message: 'timeout after 30s' })).toBe(
      'timeout after 30s',
    );
  });

  it("uses a network failure's message", () => {
    const result: SendResult = {
      kind: 'network',
      code: 'ECONNREFUSED',
      message: 'connection refused (ECONNREFUSED)',
      responseTimeMs: 3,
    };
    expect(sendResultError(result)).toBe('connection refused (ECONNREFUSED)');
  });

  it('says destination not allowed for a refused destination', () => {
    const result: SendResult = { kind: 'forbidden_destination', message: 'anything', responseTimeMs: 0 };
    expect(sendResultError(result)).toBe('destination not allowed');
    expect(DESTINATION_NOT_ALLOWED).toBe('destination not allowed');
  });
});
