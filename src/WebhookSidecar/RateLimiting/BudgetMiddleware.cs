using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using WebhookSidecar.Pipeline;

namespace WebhookSidecar.RateLimiting;

/// <summary>
/// The second rate-limit stage: the route's budget, after verification — what the backend or topic may
/// take, whoever sends. Exhausted: 429 + Retry-After, so the provider delivers later.
/// </summary>
internal sealed class BudgetMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<WebhookRequestFeature>() is not { Route.Limits.Budget: { } budget })
        {
            await next(context);
            return;
        }

        if (budget is ReplenishingRateLimiter { IsAutoReplenishing: false } bucket)
        {
            bucket.TryReplenish();
        }

        using var lease = await budget.AcquireAsync(1, context.RequestAborted);
        if (!lease.IsAcquired && StoreUnavailable.Is(lease))
        {
            await StoreUnavailable.WriteAsync(context);
            return;
        }

        if (!lease.IsAcquired)
        {
            await Rejections.WriteAsync(context, RejectionReason.BudgetExceeded, RetryAfter.From(lease));
            return;
        }

        await next(context);
    }
}
