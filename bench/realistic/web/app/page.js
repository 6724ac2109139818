// The back-office home page: the content of the bench image's second Node.js app (its node_modules is what matters).
export default function Home() {
  return (
    <main>
      <h1>Orders</h1>
      <p>Open orders, refunds and shipping exceptions.</p>
    </main>
  );
}
