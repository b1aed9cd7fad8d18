// Reads the editor's multipart form (text fields plus at most one image) before the access
// plugin checks its CSRF token, so the token travels as an ordinary `_csrf` field. An image
// over the limit is not an error here: it is noted, the remaining fields are still read, and
// the page answers 413 with the form and everything typed in it.
import type { FastifyRequest, preValidationHookHandler } from 'fastify';
import { AppError } from '../../errors.ts';
import { IMAGE_FIELD, MAX_IMAGE_BYTES } from './media-store.ts';

export const MULTIPART_LIMITS = { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 30, fieldSize: 1024 * 1024, parts: 40 };

const uploads = new WeakMap<FastifyRequest, Buffer | 'too_large'>();

/** The image sent with this request: its bytes, 'too_large', or undefined when none was chosen. */
export function uploadOf(request: FastifyRequest): Buffer | 'too_large' | undefined {
  return uploads.get(request);
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

export const readMultipartForm: preValidationHookHandler = async (request) => {
  if (!request.isMultipart()) return;
  const fields: Record<string, string> = {};
  let tooLarge = false;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.valueTruncated) throw new AppError('payload_too_large', `The ${part.fieldname} field is too long.`);
        fields[part.fieldname] ??= String(part.value);
        continue;
      }
      try {
        const data = await part.toBuffer();
        // toBuffer() does not always throw at the limit: the stream's `truncated` flag is the truth.
        if (part.file.truncated) tooLarge = true;
        // An empty file input still sends a part: no name and no bytes means "no image chosen".
        else if (part.fieldname === IMAGE_FIELD && (data.length > 0 || part.filename)) uploads.set(request, data);
      } catch (error) {
        if (!hasCode(error, 'FST_REQ_FILE_TOO_LARGE')) throw error;
        tooLarge = true;
      }
    }
  } catch (error) {
    // The parser reports the oversized file again when the form ends; it is already noted.
    if (!(tooLarge && hasCode(error, 'FST_REQ_FILE_TOO_LARGE'))) {
      if (error instanceof AppError) throw error;
      if (hasCode(error, 'FST_FILES_LIMIT')) throw new AppError('bad_request', 'Send one image at a time.');
      if (hasCode(error, 'FST_PARTS_LIMIT') || hasCode(error, 'FST_FIELDS_LIMIT'))
        throw new AppError('bad_request', 'The form has too many fields.');
      throw new AppError('bad_request', 'The form could not be read. Try sending it again.');
    }
  }
  if (tooLarge) uploads.set(request, 'too_large');
  request.body = fields;
};
