import { PasswordHasher } from './password-hasher';

describe(PasswordHasher.name, () => {
  const sut = new PasswordHasher();

  beforeAll(() => sut.onModuleInit());

  it('hashes with argon2id and a per-hash salt', async () => {
    const [first, second] = await Promise.all([sut.hash('correct horse'), sut.hash('correct horse')]);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(first).not.toBe(second);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await sut.hash('correct horse');
    await expect(sut.verify(hash, 'correct horse')).resolves.toBe(true);
    await expect(sut.verify(hash, 'wrong horse')).resolves.toBe(false);
  });

  it('refuses an unknown user after hashing work comparable to a wrong password', async () => {
    const hash = await sut.hash('correct horse');
    const time = async (stored: string | undefined) => {
      const started = process.hrtime.bigint();
      await expect(sut.verify(stored, 'guess-guess')).resolves.toBe(false);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const wrong = await time(hash);
    const unknown = await time(undefined);
    // Same argon2 parameters on both paths: an unknown user is not answered noticeably faster.
    expect(unknown).toBeGreaterThan(wrong / 3);
  });
});
