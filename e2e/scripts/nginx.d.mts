/** The nginx executable ($GAG_NGINX, `nginx` on PATH, or /usr/sbin/nginx), or undefined. */
export function findNginx(): string | undefined;
