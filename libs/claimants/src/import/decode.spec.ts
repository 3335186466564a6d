import iconv from 'iconv-lite';
import { sniffEncoding } from './decode';

describe('sniffEncoding', () => {
  const text = '姓名,手机号\n张三,13800138000\n李四,13900139000\n';

  it('takes UTF-8 text as UTF-8 and GBK text as GB18030', () => {
    expect(sniffEncoding(Buffer.from(text, 'utf8'))).toBe('utf-8');
    expect(sniffEncoding(iconv.encode(text, 'gbk'))).toBe('gb18030');
  });

  it('keeps a UTF-8 file with a stray byte as UTF-8 (its row is refused later), not mojibake', () => {
    const utf8 = Buffer.from(text, 'utf8');
    expect(sniffEncoding(Buffer.concat([utf8.subarray(0, 20), Buffer.from([0xe9]), utf8.subarray(20)]))).toBe('utf-8');
  });

  it('takes ASCII as UTF-8', () => {
    expect(sniffEncoding(Buffer.from('name,phone\n'))).toBe('utf-8');
  });
});
