import { StatementParseError, type ParsedFile, type Statement } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { parseStatementFile } from './index.js'
import { fixture, fixtureJson, statementFixtures } from './test-support.js'

function parse(path: string, strict = false): ParsedFile {
  return parseStatementFile(fixture(path), 'auto', { strict })
}

function parseText(text: string, strict = false): ParsedFile {
  return parseStatementFile(new TextEncoder().encode(text), 'bai2', { strict })
}

function parseError(run: () => unknown): StatementParseError {
  try {
    run()
  } catch (error) {
    if (error instanceof StatementParseError) return error
    throw error
  }
  throw new Error('expected a StatementParseError')
}

const balances = (s: Statement) => Object.fromEntries(s.balances.map((b) => [b.type, b.amount]))

// ---------------------------------------------------------------------------------------------
// ActiveArchitexture/BAI-BTRS-active-parsers: input lines with the expected parse tree.
// ---------------------------------------------------------------------------------------------

interface BtrsExample {
  examplelines: string[]
  expected: {
    BTRSfile: {
      FileHeader: { fileCreationDate: string; fileCreationTime: string; fileIdentificationNumber: string }
      Bank?: {
        BankHeader: { asofDate: string; currencyCodeBank: string }
        Accounts: {
          Account: {
            AccountHeader: {
              customerAccountNumber: string
              currencyCodeAccount: string
              AccountStatusesSummaries: { AccountStatus?: { TypeCode: string; Amount: string }; AccountSummary?: { TypeCode: string } }[]
            }
            TransactionDetails: unknown[]
          }
        }[]
      }
    }
  }
}

const STATUS_TYPES: Record<string, string> = { '010': 'OPBD', '015': 'CLBD', '030': 'ITBD', '040': 'ITAV', '045': 'CLAV' }

describe('BTRS/BAI2 examples of ActiveArchitexture match their expected trees', () => {
  const examples = fixtureJson<Record<string, BtrsExample>>('bai2/ActiveArchitexture_BAI-BTRS-active-parsers/_btr3-file-examples.json')
  it.each(Object.entries(examples))('%s', (_name, example) => {
    // The upstream tests join the example lines with CRLF.
    const file = parseText(example.examplelines.join('\r\n'))
    const tree = example.expected.BTRSfile
    const header = tree.FileHeader
    const accounts = tree.Bank?.Accounts ?? []
    expect(file.statements).toHaveLength(accounts.length)
    accounts.forEach(({ Account }, i) => {
      const statement = file.statements[i]!
      const head = Account.AccountHeader
      expect(statement.account.number).toBe(head.customerAccountNumber)
      expect(statement.currency).toBe(head.currencyCodeAccount || tree.Bank!.BankHeader.currencyCodeBank || 'USD')
      expect(statement.id).toBe(header.fileIdentificationNumber)
      expect(statement.createdAt).toBe(`${header.fileCreationDate}T${header.fileCreationTime}:00`)
      const expectedBalances: Record<string, bigint> = {}
      for (const item of head.AccountStatusesSummaries) {
        const status = item.AccountStatus
        if (status && STATUS_TYPES[status.TypeCode] && status.Amount !== '') expectedBalances[STATUS_TYPES[status.TypeCode]!] = BigInt(status.Amount)
      }
      expect(balances(statement)).toEqual(expectedBalances)
      for (const b of statement.balances) expect(b.date).toBe(tree.Bank!.BankHeader.asofDate)
      expect(statement.entries.length).toBe(Account.TransactionDetails.length)
    })
  })
})

// ---------------------------------------------------------------------------------------------
// moov-io/bai2 and ministryofjustice/bai2 samples (upstream asserts in Go/Python test code).
// ---------------------------------------------------------------------------------------------

describe('BAI2 fixtures checked against upstream assertions', () => {
  it('moov sample1 (CAD): 80-byte records, signed zero-padded amounts, V funds with value dates, 03 continued by 88', () => {
    const file = parse('bai2/moov-io_bai2/sample1.txt')
    expect(file.warnings).toEqual([])
    expect(file.statements).toHaveLength(2)
    const [first, second] = file.statements
    expect(first!.currency).toBe('CAD')
    expect(first!.account.number).toBe('10200123456')
    expect(balances(first!)).toEqual({ ITAV: 0n, CLAV: 0n })
    expect(first!.entries).toHaveLength(11)
    expect(first!.entries[0]).toMatchObject({
      amount: -2500n,
      bookingDate: '2006-03-17',
      valueDate: '2006-03-16',
      remittance: 'RETURNED CHEQUE',
      bankTransactionCode: { bai: '409' },
    })
    expect(first!.entries[3]!.amount).toBe(203500n)
    expect(second!.entries).toHaveLength(6)
  })

  it('moov sample2 (the BAI spec example): 4 groups, summaries split across 88s, S and D funds types', () => {
    const file = parse('bai2/moov-io_bai2/sample2.txt')
    expect(file.statements.map((s) => s.account.number)).toEqual(['0123456789', '9876543210', '4589761203', '0975312468', '7890654321'])
    expect(file.statements.every((s) => s.currency === 'USD')).toBe(true)
    expect(balances(file.statements[0]!)).toEqual({ OPBD: 4350000n, ITAV: 2830000n })
    // 040 arrives in the second 88 of the 03: "…,040/" + "88,-1500000,,/".
    expect(balances(file.statements[1]!)).toEqual({ OPBD: -500000n, ITAV: -1500000n })
    expect(file.statements[1]!.entries[0]).toMatchObject({ amount: 500000n, remittance: 'LOCK BOX NO.68751' })
    const lc = file.statements[2]!.entries[0]!
    expect(lc).toMatchObject({ amount: 20000000n, valueDate: '2004-06-22', references: { servicer: 'SP4738', customer: 'YRC065321' } })
    expect(lc.remittance).toBe('PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO')
    expect(balances(file.statements[3]!)).toEqual({ OPBD: 500000n })
    // Control totals add up once the summary split over "…,110,5000000/" + "88,4,/" is read as one.
    expect(file.warnings).toEqual([])
  })

  it('moov sample3: blocked records on one line and a 16 text wrapped without an 88', () => {
    const file = parse('bai2/moov-io_bai2/sample3.txt')
    expect(file.statements).toHaveLength(15)
    expect(file.statements.flatMap((s) => s.entries)).toHaveLength(26)
    const first = file.statements[0]!
    expect(balances(first)).toEqual({ OPBD: -3500n, CLBD: -3600n, ITAV: -3500n })
    expect(first.entries.slice(0, 3).map((e) => e.amount)).toEqual([2500n, 500n, 100n])
    expect(first.entries[1]!.remittance).toBe('TRANSFER MSPBNA BANK PPD')
    const wrapped = file.statements.flatMap((s) => s.entries).find((e) => e.additionalInfo?.includes('1111111111111111111111111'))
    expect(wrapped).toBeDefined()
    expect(file.warnings.filter((w) => w.code !== 'reconciliation-mismatch')).toEqual([])
  })

  it.each(['sample4-continuations-newline-delimited.txt', 'sample5-issue113.txt'])(
    'moov %s (Goldman Sachs style): no "/" terminators, commas in text, key:value 88s, wrong trailers warn',
    (name) => {
      const file = parse(`bai2/moov-io_bai2/${name}`)
      expect(file.statements).toHaveLength(5)
      const entry = file.statements[1]!.entries[0]!
      expect(entry).toMatchObject({ amount: -60000n, references: { servicer: 'SPB2322984714570', customer: '1111' } })
      expect(entry.additionalInfo).toBe(
        'ACH Credit Payment,Entry Description: EXP; -, SEC: CCD, Client Ref ID: 1111, GS ID: SPB2322984714570\nEREF: 1111\nDBNM: TEST INC\nCACT: ACHCONTROLOUTUSD01',
      )
      expect(file.warnings.map((w) => w.code)).toContain('bai2-trailer-count')
      expect(file.warnings.map((w) => w.code)).toContain('bai2-control-total')
      // A validator rejects them.
      expect(parseError(() => parse(`bai2/moov-io_bai2/${name}`, true)).message).toMatch(/^bai2 line \d+: 49 trailer says/)
    },
  )

  it('Citi (GBP): 88 free text without "/", "/" inside text, V funds', () => {
    const file = parse('bai2/ministryofjustice_bai2/citi_example.bai2')
    const [s] = file.statements
    expect(s!.currency).toBe('GBP')
    expect(balances(s!)).toEqual({ OPBD: 10000n, CLBD: 10000n })
    expect(s!.entries).toHaveLength(1)
    const e = s!.entries[0]!
    expect(e).toMatchObject({ amount: 1n, valueDate: '2015-07-15', bookingDate: '2015-07-15', references: { servicer: '1234567890', customer: 'RP12312312312312' } })
    expect(e.additionalInfo!.split('\n')).toHaveLength(7)
    expect(e.additionalInfo).toContain('A1234BC 22/03/66')
    // 10000 + 1 ≠ 10000: the sample does not reconcile; that is a warning.
    expect(s!.reconciliation).toMatchObject({ checked: true, ok: false })
  })

  it('NatWest (GBP): file time HH:MM:SS, account number with a blank, 03 continued, 88 narratives', () => {
    const file = parse('bai2/ministryofjustice_bai2/nwb_example.bai2')
    const [s] = file.statements
    expect(s!.createdAt).toBe('2010-02-15T14:59:35')
    expect(s!.account.number).toBe('88888888 600004')
    expect(balances(s!)).toEqual({ OPBD: 36521n, CLBD: 33845n, CLAV: 33845n, ITAV: 33845n })
    expect(s!.entries.map((e) => e.amount)).toEqual([-971n, -100n, -123n, -1571n, 89n])
    expect(s!.entries[4]!.additionalInfo).toBe('TFR XBANKGO24007680SJ CAT JPY 2 GBPXBANKGO24007680BGC INTERNATIONAL-5373 CLIE\nNT SECCY AC TFR')
    expect(s!.reconciliation).toEqual({ checked: true, ok: true, expected: 33845n, actual: 33845n })
    expect(file.warnings).toEqual([])
  })

  it('SVB (USD): two daily groups, 03 continued over three 88s, last 99 without "/"', () => {
    const file = parse('bai2/ministryofjustice_bai2/svb_us_example.bai2')
    expect(file.statements.map((s) => [s.account.number, s.from])).toEqual([
      ['1234567890', '2022-02-01'],
      ['1234567890', '2022-02-02'],
    ])
    expect(balances(file.statements[0]!)).toEqual({ OPBD: 34726979n, CLBD: 35217175n, ITAV: 32742537n, CLAV: 35217175n })
    expect(file.statements.map((s) => s.reconciliation.ok)).toEqual([true, true])
    expect(file.statements[1]!.entries[0]).toMatchObject({ amount: 905800n, remittance: 'SOME PAYMENT ACH OFFSET', references: { servicer: '150675' } })
  })

  it('blank 49 control totals, 03 without currency in a group without currency (USD)', () => {
    const file = parse('bai2/ministryofjustice_bai2/account_trailer_amount_blank_example.bai2')
    expect(file.statements.map((s) => [s.account.number, s.currency, s.entries.length])).toEqual([
      ['12345', 'USD', 0],
      ['54321', 'USD', 0],
    ])
    expect(file.warnings).toEqual([])
  })

  it('validator "valid" samples: HHMMSS time, cut-short 03, 890 information-only detail', () => {
    for (const name of ['BAI2_valid.txt', 'BTRS_valid.txt']) {
      const file = parse(`bai2/ActiveArchitexture_BAI-BTRS-active-parsers/valid/${name}`)
      expect(file.statements).toHaveLength(1)
      expect(file.statements[0]!.entries).toEqual([])
    }
  })
})

describe('invalid BAI2 files are rejected with their line', () => {
  it('moov sample-parseError: record code 00', () => {
    const error = parseError(() => parseStatementFile(fixture('bai2/moov-io_bai2/errors/sample-parseError.txt'), 'bai2'))
    expect(error).toMatchObject({ format: 'bai2', line: 1 })
    expect(error.message).toBe('bai2 line 1: unknown record code "00"')
    // Auto-detection does not take it for BAI2 either.
    expect(parseError(() => parse('bai2/moov-io_bai2/errors/sample-parseError.txt')).line).toBe(1)
  })

  it('validator BTRS_invalid: a status code (001) as a transaction detail', () => {
    const error = parseError(() => parse('bai2/ActiveArchitexture_BAI-BTRS-active-parsers/invalid/BTRS_invalid.txt'))
    expect(error.line).toBe(4)
    expect(error.message).toMatch(/16 type code 001 is an account status code/)
  })

  it('validator BAI2_invalid: trailer counts that do not match are fatal when strict, warnings otherwise', () => {
    const path = 'bai2/ActiveArchitexture_BAI-BTRS-active-parsers/invalid/BAI2_invalid.txt'
    const error = parseError(() => parse(path, true))
    expect(error.line).toBe(21)
    expect(error.message).toBe('bai2 line 21: 49 trailer says 21 records, the file has 19')
    const lenient = parse(path)
    expect(lenient.warnings.filter((w) => w.code === 'bai2-trailer-count').map((w) => w.line)).toEqual([21, 22, 27, 28, 29, 29])
  })

  it('structure errors', () => {
    expect(parseError(() => parseText('01,A,B,240101,1200,1,,,2/\n16,195,100,,,,/\n99,0,0,3/')).message).toBe(
      'bai2 line 2: 16 transaction detail outside an account (no 03 before it)',
    )
    expect(parseError(() => parseText('01,A,B,240101,1200,1,,,2/\n02,X,Y,1,240101,,USD,2/\n03,1,,010,5,,/')).message).toMatch(
      /line 3: the file ends without its 99 file trailer/,
    )
    expect(parseError(() => parseText('01,A,B,240101,1200,1,,,2/\n02,X,Y,1,240231,,USD,2/')).message).toMatch(/line 2: 02 as-of date "240231" is not a calendar date/)
    expect(parseError(() => parseText('01,A,B,240101,1200,1,,,2/\n02,X,Y,1,240101,,XYZ,2/')).message).toMatch(/line 2: unknown currency code "XYZ"/)
  })

  it('implied decimals follow the currency (JPY has none, KWD three)', () => {
    const file = parseText(
      ['01,A,B,240101,1200,1,,,2/', '02,X,Y,1,240101,,JPY,2/', '03,1,,015,1234,,/', '16,195,1234,,,,/', '49,2468,3/', '03,2,KWD,015,1234,,/', '49,1234,2/', '98,3702,2,7/', '99,3702,1,9/'].join('\n'),
    )
    expect(file.warnings).toEqual([])
    expect(file.statements.map((s) => [s.currency, s.balances[0]!.amount])).toEqual([
      ['JPY', 1234n],
      ['KWD', 1234n],
    ])
  })
})

describe('every valid BAI2 fixture parses', () => {
  const invalid = ['sample-parseError.txt', 'BTRS_invalid.txt']
  it.each(statementFixtures('bai2').filter((p) => !invalid.some((name) => p.endsWith(name))))('%s', (path) => {
    expect(parse(path).format).toBe('bai2')
  })
})
