/**
 * The federation gateways benchmark's data, query and expected response (copied under data/,
 * MIT licence upstream), loaded once and typed for the four subgraphs.
 */
import { readFileSync } from 'node:fs';

export interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface InventoryItem {
  upc: string;
  inStock: boolean;
}
export interface Review {
  id: string;
  body: string;
  productUpc: string;
}
export interface BenchmarkData {
  users: User[];
  products: Product[];
  inventory: InventoryItem[];
  reviews: Review[];
}

const here = (file: string) => new URL(`./data/${file}`, import.meta.url);

export const DATA = JSON.parse(readFileSync(here('data.json'), 'utf8')) as BenchmarkData;
export const BENCHMARK_QUERY = readFileSync(here('query.graphql'), 'utf8');
export const EXPECTED_RESPONSE = JSON.parse(readFileSync(here('expected.json'), 'utf8')) as unknown;
