/**
 * Opens one catalog file for reading, turning every low-level failure into a CatalogError
 * that names the file and says what to do.
 */
import { CatalogError } from './errors.js';
import { fileSource } from './parquet/byte-source.js';
import { ParquetFile, ParquetFileError } from './parquet/file-reader.js';

/** Opens a Parquet file of the catalog; throws CATALOG_NOT_FOUND or CATALOG_CORRUPT_FILE. */
export async function openCatalogFile(path: string): Promise<ParquetFile> {
  let source;
  try {
    source = await fileSource(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CatalogError('CATALOG_NOT_FOUND', `${path}: cannot open (${code ?? (error as Error).message}); was it removed while reading?`, { path, cause: error });
  }
  try {
    return await ParquetFile.open(source);
  } catch (error) {
    await source.close();
    if (error instanceof ParquetFileError) throw new CatalogError('CATALOG_CORRUPT_FILE', error.message, { path, cause: error });
    throw new CatalogError('CATALOG_CORRUPT_FILE', `${path}: ${(error as Error).message}; the file is damaged — re-write or remove it`, { path, cause: error });
  }
}
