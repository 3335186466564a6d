import { DocumentLanguage } from '../rules/document-kinds';
import { EN } from './en';
import type { DocumentTexts } from './texts';
import { ZH } from './zh';

/** The texts of each language. */
export const TEXTS: Readonly<Record<DocumentLanguage, DocumentTexts>> = Object.freeze({ [DocumentLanguage.ZH]: ZH, [DocumentLanguage.EN]: EN });
export type { DocumentTexts } from './texts';
