// A response body that is already JSON text. List pages are assembled from
// JSON stored per row (a page of 50 would otherwise build and serialise 50
// objects per request); the HTTP front sends the text as it is.

export class RawJson {
  constructor(readonly text: string) {}
}
