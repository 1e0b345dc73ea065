import { customAlphabet } from 'nanoid';

/** Seed 000: order_number is nanoid, 10 characters of 1234567890abcdef (as the nest project does). */
export const ORDER_NUMBER_ALPHABET = '1234567890abcdef';
export const ORDER_NUMBER_LENGTH = 10;
export const ORDER_NUMBER_PATTERN = /^[0-9a-f]{10}$/;

export type OrderNumberSource = () => string;

export const newOrderNumber: OrderNumberSource = customAlphabet(ORDER_NUMBER_ALPHABET, ORDER_NUMBER_LENGTH);
