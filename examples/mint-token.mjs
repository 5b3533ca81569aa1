// Mint a browser token for <gag-phone>, as your backend does: node examples/mint-token.mjs 2001
import { SignJWT } from 'jose'; // npm install jose

if (!process.env.GAG_JWT_SECRET) throw new Error('set GAG_JWT_SECRET to jwt_secret from goastgateway.json');
const secret = new TextEncoder().encode(process.env.GAG_JWT_SECRET);
const token = await new SignJWT({ ext: process.argv[2] ?? '2001' }) // the signed-in agent's extension
  .setProtectedHeader({ alg: 'HS256' })
  .setIssuedAt()
  .setExpirationTime('8h') // exp is required; with jwt_issuer / jwt_audience set, add .setIssuer() / .setAudience()
  .sign(secret);
console.log(token);
