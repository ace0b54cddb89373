// gl.linalg: svd, inv, solve, lstsq, pinv, qr, eigh, det, norm (exports added by the linalg work).
export {};
