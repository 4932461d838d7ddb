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
    /// <summary>Routes without a budget pass straight through, without an async frame of their own.</summary>
    public Task InvokeAsync(HttpContext context)
        => context.Features.Get<WebhookRequestFeature>() is { Route.Limits.Budget: { } budget }
            ? LimitAsync(context, budget)
            : next(context);

    private async Task LimitAsync(HttpContext context, RateLimiter budget)
    {
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
