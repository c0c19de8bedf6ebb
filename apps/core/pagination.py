from rest_framework.pagination import PageNumberPagination

from .query import query_int


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_number(self, request, paginator):
        # "last" stays DRF's; anything else must be a page number (400 otherwise)
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return super().get_page_number(request, paginator)
        return query_int(request, self.page_query_param, default=1, minimum=1)

    def get_page_size(self, request):
        size = query_int(request, self.page_size_query_param, default=self.page_size, minimum=1)
        return min(size, self.max_page_size)
