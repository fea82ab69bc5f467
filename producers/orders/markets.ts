/**
 * Markets the simulated stores sell in, and the shape of demand over the day and week. Curves are in the
 * store's local time (UTC offset of the market), so stores in different countries peak at different UTC hours.
 */

export interface Market {
  readonly country: string;
  readonly currency: string;
  /** Hours ahead of UTC (standard time; daylight saving is ignored for a simulator). */
  readonly utcOffsetHours: number;
  /** Typical item price, in the market's currency. */
  readonly medianItemPrice: number;
  /** Decimal places of the currency (JPY has none). */
  readonly decimals: number;
  readonly paymentMethods: readonly string[];
  readonly paymentWeights: readonly number[];
}

export const MARKETS: readonly Market[] = [
  {
    country: 'US',
    currency: 'USD',
    utcOffsetHours: -5,
    medianItemPrice: 24,
    decimals: 2,
    paymentMethods: ['card', 'paypal', 'apple_pay'],
    paymentWeights: [0.62, 0.23, 0.15],
  },
  {
    country: 'DE',
    currency: 'EUR',
    utcOffsetHours: 1,
    medianItemPrice: 22,
    decimals: 2,
    paymentMethods: ['card', 'paypal', 'klarna', 'bank_transfer'],
    paymentWeights: [0.3, 0.35, 0.25, 0.1],
  },
  {
    country: 'GB',
    currency: 'GBP',
    utcOffsetHours: 0,
    medianItemPrice: 19,
    decimals: 2,
    paymentMethods: ['card', 'paypal', 'apple_pay'],
    paymentWeights: [0.65, 0.2, 0.15],
  },
  {
    country: 'FR',
    currency: 'EUR',
    utcOffsetHours: 1,
    medianItemPrice: 22,
    decimals: 2,
    paymentMethods: ['card', 'paypal', 'apple_pay'],
    paymentWeights: [0.7, 0.2, 0.1],
  },
  {
    country: 'JP',
    currency: 'JPY',
    utcOffsetHours: 9,
    medianItemPrice: 3300,
    decimals: 0,
    paymentMethods: ['card', 'konbini', 'paypay'],
    paymentWeights: [0.6, 0.15, 0.25],
  },
  {
    country: 'BR',
    currency: 'BRL',
    utcOffsetHours: -3,
    medianItemPrice: 110,
    decimals: 2,
    paymentMethods: ['pix', 'card', 'boleto'],
    paymentWeights: [0.55, 0.35, 0.1],
  },
  {
    country: 'IN',
    currency: 'INR',
    utcOffsetHours: 5.5,
    medianItemPrice: 1800,
    decimals: 2,
    paymentMethods: ['upi', 'card', 'cod'],
    paymentWeights: [0.6, 0.25, 0.15],
  },
];

export const SALES_CHANNELS = ['web', 'app', 'marketplace'] as const;
export const SALES_CHANNEL_WEIGHTS = [0.5, 0.42, 0.08] as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function bump(hour: number, centre: number, width: number): number {
  const d = hour - centre;
  return Math.exp(-(d * d) / (2 * width * width));
}

/** Relative demand by local hour: quiet nights, a lunchtime bump and an evening peak. Mean over a day ~ 1. */
export function dailyFactor(localHour: number): number {
  return 0.12 + 0.7 * bump(localHour, 12.5, 1.6) + 1.35 * bump(localHour, 20.5, 2.2) + 0.55 * bump(localHour, 16, 4);
}

/** Relative demand by local ISO weekday (1 = Monday): more at the weekend. */
export function weeklyFactor(isoWeekday: number): number {
  return [1, 0.95, 0.95, 1, 1.08, 1.25, 1.15][isoWeekday - 1] ?? 1;
}

/** Upper bounds of the two curves, for thinning (computed once). */
export const MAX_DAILY_FACTOR = Math.max(...Array.from({ length: 24 * 60 }, (_, m) => dailyFactor(m / 60)));
export const MAX_WEEKLY_FACTOR = 1.25;

/** Seasonality multiplier at UTC time `time` for a store in `market`. */
export function seasonality(market: Market, time: number): number {
  const local = time + market.utcOffsetHours * HOUR_MS;
  const hour = (((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  const day = Math.floor(local / DAY_MS);
  const isoWeekday = ((((day + 3) % 7) + 7) % 7) + 1;
  return dailyFactor(hour) * weeklyFactor(isoWeekday);
}
