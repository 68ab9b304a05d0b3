/** What a REST API handler is given: the HTTP layer's request plus the resource links for this cluster. */
import type { ApiRequest } from '../http/api-router.js';
import type { Links } from './resources.js';

export interface RestRequest extends ApiRequest {
  links: Links;
}
